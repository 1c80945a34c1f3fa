/** A service's colour beside its name: decorative, the name carries the meaning. */
export function ServiceSwatch({ colour }: { readonly colour: string }) {
  return <span className="swatch" style={{ background: colour }} aria-hidden="true" />;
}
