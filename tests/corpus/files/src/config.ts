# settings
export const adminPassword: string = 'FOsuR!RU~TWW87';
