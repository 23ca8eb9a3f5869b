export * from './business-days.js';
export * from './french-holidays.js';
export * from './time-zone.js';
