/** Fake credentials for the secret tests, built here so no token-shaped literal sits in the source. */
export const rep = (s: string, n: number): string => s.repeat(n).slice(0, n);
export const FAKE = {
  github: `ghp_${rep('aB3dE5fG7h', 36)}`,
  githubOauth: `gho_${rep('Zy9Xw8Vu7T', 36)}`,
  githubFine: `github_pat_${rep('11ABCDEFG0', 22)}_${rep('aZ09bY18cX27', 59)}`,
  gitlab: `glpat-${rep('x1Y2z3W4v5', 20)}`,
  slack: `xoxb-${rep('1234567890', 12)}-${rep('0987654321', 12)}-${rep('aBcD', 24)}`,
  slackWebhook: `https://hooks.slack.com/services/T${rep('A1B2C3D4', 8)}/B${rep('E5F6G7H8', 10)}/${rep('q1W2e3R4t5Y6', 24)}`,
  stripe: `sk_live_${rep('4eC39HqLyjWDarjtT1zdp7dc', 24)}`,
  google: `AIza${rep('SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY', 35)}`,
  npm: `npm_${rep('a1b2C3d4E5f6', 36)}`,
  openai: `sk-proj-${rep('Ab1Cd2Ef3Gh4', 20)}T3BlbkFJ${rep('Ij5Kl6Mn7Op8', 20)}`,
  aws: `AKIA${rep('Q2W3E4R5T6Y7U2I3', 16)}`,
  awsSecret: rep('wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq9Lm3Np', 40),
  jwt: `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${rep('dBjftJeZ4CVPmB92K27uhbUJU1p1r', 30)}`,
  pem: `-----BEGIN OPENSSH PRIVATE KEY----- ${rep('b3BlbnNzaC1rZXktdjEAAAAABG5vbmU', 48)}`,
  sendgrid: `SG.${rep('ngeVfQFYQlKU0ufo8x5d1A', 22)}.${rep('TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr', 43)}`,
  hf: `hf_${rep('AbCdEfGhIjKlMnOp', 34)}`,
  docker: `dckr_pat_${rep('Xy1Zw2Vu3', 27)}`,
  vault: `hvs.${rep('CAESIJ1aB2cD3eF4gH5iJ6', 95)}`,
};

