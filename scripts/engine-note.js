// The one line `npm ci` prints after npm's EBADENGINE warnings when npm runs on a Node older than
// Citebox's packages need: npm checks `engines` against the Node that runs npm, while Citebox and
// its packages run on the Node 24 that `npm ci` installs (the `node` package). Plain JavaScript,
// used by scripts/build.js before anything is built.

/** The Node version npm reports in `npm_config_user_agent` ("npm/11.1.0 node/v20.20.2 linux x64"). */
export function npmNodeVersion(userAgent) {
  const m = /\bnode\/v(\d+)\.(\d+)\.(\d+)/.exec(userAgent ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** The oldest Node that every package Citebox installs accepts. */
export const PACKAGES_NEED = [22, 13, 0];

function older(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/** The note to print, or undefined when npm's Node satisfies every package (or is unknown). */
export function engineNote(userAgent, runtimeVersion) {
  const npmNode = npmNodeVersion(userAgent);
  if (!npmNode || !older(npmNode, PACKAGES_NEED)) return undefined;
  return `citebox: the EBADENGINE warnings above are expected: npm runs on your Node ${npmNode.join('.')}, while Citebox and its packages run on the Node ${runtimeVersion} that npm ci installed into node_modules (npm start, npm test and npx citebox use it). Nothing to do.`;
}
