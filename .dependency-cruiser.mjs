// Import-graph rules checked by `pnpm check:deps` (part of `pnpm test`): no module-level cycles anywhere, and no
// folder-level cycles inside the gateway (each folder of apps/gateway/src is one layer; no folder may import a
// folder that imports it back, directly or through others). See README "Architecture".
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module that imports itself through others: split out what both need.',
      from: { path: '^(apps|packages)/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycles',
      severity: 'error',
      scope: 'folder',
      comment: 'Folders are layers: move what two folders share down into a lower one (shared/, config/, store/ …).',
      from: { path: '^(apps|packages)/[^/]+/src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests may import across layers (they build whole gateways); the rules are about production code.
    exclude: { path: ['(^|/)node_modules/', '^(apps|packages)/[^/]+/dist/', '^(apps|packages)/[^/]+/test/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
