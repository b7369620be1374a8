# settings
export const adminPassword: string = 'ueEzFTc07Fx0RE#sx!hxw7t';
