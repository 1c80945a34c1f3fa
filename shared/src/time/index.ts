export * from './LocalTime';
