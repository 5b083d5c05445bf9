// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // lib/kafka is the only production code that knows the Kafka client (lib/kafka/README.md).
    files: [
      'collector/**/*.ts',
      'connectors/**/*.ts',
      'processor/**/*.ts',
      'worker/**/*.ts',
      'dashboard/**/*.ts',
      'cli/**/*.ts',
      'lib/**/*.ts',
    ],
    ignores: ['lib/kafka/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['kafkajs', '@platformatic/kafka', '@confluentinc/kafka-javascript'].map((name) => ({
            name,
            message: 'Use the Kafka interfaces of lib/kafka: it is the one place that knows the client.',
          })),
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // chai's `expect(x).to.be.true` style is an expression statement
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
