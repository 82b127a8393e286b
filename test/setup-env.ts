import { afterEach } from '@jest/globals';
// Every test file starts from the same environment: snapshot process.env and restore it after.
const snapshot = { ...process.env };
afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in snapshot)) delete process.env[key];
  Object.assign(process.env, snapshot);
});
