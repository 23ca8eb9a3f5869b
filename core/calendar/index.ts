export * from './business-days.js';
export * from './tenant-calendars.js';
export * from './time-zone.js';
