/**
 * Whether this Node.js cannot require an ES module without a flag, which Ruta does (franc, on a
 * worker's first long message): it can from 20.19 on in Node.js 20, from 22.12 on in 22, and in
 * 23 and later; Node.js 21 never could. On such a Node.js that turn would fail, so the server
 * refuses to start instead (npm only warns about package.json's engines).
 */
export function nodeTooOld(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major === 20) return minor < 19;
  if (major === 22) return minor < 12;
  return major < 23;
}
