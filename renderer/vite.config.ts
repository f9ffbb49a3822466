// The project's package.json is CommonJS and the build script names this file,
// so it is a CommonJS shim; the real config is ESM in vite.config.mts.
module.exports = require('./vite.config.mts').default;
