/** A call's or the server's running time, short enough for a table cell: "4 min 05 s", "2 h 03 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${rest} s`;
}
