/*
 * The texts of account SMS. The welcome text is the unit's to set per language (PUT
 * /api/roster/units/:code/texts); these are the defaults. {{name}}, {{account}} and {{password}}
 * are filled in; the register keeps {{password}} masked.
 */

export const DEFAULT_RESET_KEYWORDS = ['PASSORD', 'KODE', 'PASSWORD', 'ADGANGSKODE'];

export const ACCOUNT_TEXTS = {
  welcome: {
    nb: 'Velkommen, {{name}}! Brukernavn: {{account}} Midlertidig passord: {{password}} Du må velge et nytt passord når du logger inn.',
    en: 'Welcome, {{name}}! Account: {{account}} Temporary password: {{password}} You will choose a new password when you log in.',
  } as Record<string, string>,
  reset: 'Ny midlertidig adgangskode / New temporary password: {{password}}',
  /** For a number that is not a current person's: the same words whoever asks. */
  neutral:
    'Vi kan ikke nullstille adgangskoden fra dette nummeret. Kontakt skolen. / We cannot reset the password from this number. Please contact your school.',
  later:
    'Vi kan ikke nullstille adgangskoden akkurat nå; du får en SMS når det er gjort, ellers prøv igjen senere. / We cannot reset your password right now; you will get an SMS when it is done, or try again later.',
};
