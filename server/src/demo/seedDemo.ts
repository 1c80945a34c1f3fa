import type { InMemoryDirectory } from '../auth/InMemoryDirectory';

export interface DemoCredentials {
  kiosk: { kioskId: string; name: string; token: string };
  advisor: { staffId: string; name: string; token: string };
}

/**
 * The foundation's demo pairing: one kiosk and one advisor, with fresh tokens each start.
 * Appointments and accounts replace this with seeded data in the store.
 */
export function seedDemo(directory: InMemoryDirectory): DemoCredentials {
  const kioskName = 'Point Visio-Public — Mairie de Saint-Flour';
  const advisorName = 'Camille Martin';
  const kiosk = directory.addKiosk(kioskName);
  const advisor = directory.addStaff(advisorName, ['advisor']);
  return {
    kiosk: { ...kiosk, name: kioskName },
    advisor: { ...advisor, name: advisorName },
  };
}
