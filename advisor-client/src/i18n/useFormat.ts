import { useMemo } from 'react';
import { useAppState } from '../session/StaffAppContext';

const LOCALES = { fr: 'fr-FR', en: 'en-GB' } as const;

type Style = 'time' | 'date' | 'dateTime';
const OPTIONS: Record<Style, Intl.DateTimeFormatOptions> = {
  time: { hour: '2-digit', minute: '2-digit' },
  date: { dateStyle: 'full' },
  dateTime: { dateStyle: 'short', timeStyle: 'short' },
};

export interface Format {
  /** "14:05" */
  time(iso: string | Date, timeZone?: string): string;
  /** "mardi 12 mars 2024" */
  date(iso: string | Date, timeZone?: string): string;
  /** "12/03/2024 14:05" */
  dateTime(iso: string | Date, timeZone?: string): string;
}

/** Dates and times in the staff member's language, in the browser's zone or the one given. */
export function useFormat(): Format {
  const language = useAppState((s) => s.language);
  return useMemo(() => {
    const cache = new Map<string, Intl.DateTimeFormat>();
    const format = (style: Style) => (value: string | Date, timeZone?: string) => {
      const key = `${style}|${timeZone ?? ''}`;
      let f = cache.get(key);
      if (!f) {
        f = new Intl.DateTimeFormat(LOCALES[language], { ...OPTIONS[style], timeZone });
        cache.set(key, f);
      }
      return f.format(new Date(value));
    };
    return { time: format('time'), date: format('date'), dateTime: format('dateTime') };
  }, [language]);
}
