/** The CLI's version, kept equal to package.json's (a unit test checks it). */
export const VERSION = '0.1.0';
