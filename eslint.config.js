import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

/**
 * The server's walls (ARCHITECTURE.md): each of these packages, its subpaths included, may be
 * imported only by its own module. Every server file gets one rule listing the packages walled
 * off from it: a file matched by two entries would keep only the last one's list.
 */
const WALLS = [
  { pkg: 'mediasoup', module: 'server/src/media' },
  { pkg: 'express', module: 'server/src/http' },
  { pkg: 'socket.io', module: 'server/src/signalling' },
  { pkg: 'ioredis', module: 'server/src/cluster' },
  { pkg: '@socket.io/redis-streams-adapter', module: 'server/src/cluster' },
];
/** The walled modules, each once (a module may hold several packages). */
const WALLED_MODULES = [...new Set(WALLS.map((wall) => wall.module))];

function serverWalls() {
  const rulesFor = (walls) => {
    const message = (wall) => `Only ${wall.module}/ may import ${wall.pkg} (server walls).`;
    // A dynamic import(), or a type query `typeof import('…')`, of a walled package. (No '/'
    // may appear inside a selector's regex: \x2F stands for it.)
    const source = (wall) =>
      `/^${wall.pkg.replaceAll('.', '\\.').replaceAll('/', '\\x2F')}($|\\x2F)/`;
    return {
      'no-restricted-imports': [
        'error',
        {
          paths: walls.map((wall) => ({ name: wall.pkg, message: message(wall) })),
          patterns: walls.map((wall) => ({ group: [`${wall.pkg}/*`], message: message(wall) })),
        },
      ],
      'no-restricted-syntax': [
        'error',
        ...walls.flatMap((wall) => [
          { selector: `ImportExpression[source.value=${source(wall)}]`, message: message(wall) },
          {
            selector: `TSImportType[argument.literal.value=${source(wall)}]`,
            message: message(wall),
          },
        ]),
      ],
    };
  };
  return [
    {
      files: ['server/src/**/*.ts'],
      ignores: WALLED_MODULES.map((module) => `${module}/**`),
      rules: rulesFor(WALLS),
    },
    ...WALLED_MODULES.map((module) => ({
      files: [`${module}/**/*.ts`],
      rules: rulesFor(WALLS.filter((wall) => wall.module !== module)),
    })),
  ];
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'test/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: [
      'kiosk-client/**/*.{ts,tsx}',
      'advisor-client/**/*.{ts,tsx}',
      'shared/src/client/**/*.ts',
      'shared/src/ui/**/*.{ts,tsx}',
    ],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  ...serverWalls(),
  {
    files: ['scripts/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
