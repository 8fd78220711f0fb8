/** The release of this node, reported by the API and to peers. Kept in step with package.json by a test. */
export const MOSAIC_VERSION = '0.1.0';
