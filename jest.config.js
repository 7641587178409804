// Jest for the Lightning web components in force-app (sfdx-lwc-jest). The LWC tooling lives in
// scripts/salesforce/node_modules, installed on demand by `npm run test:salesforce`, so that the
// relay's `npm ci` stays lean; the preset is loaded from there.
import { createRequire } from 'node:module';

const require = createRequire(new URL('./scripts/salesforce/package.json', import.meta.url));
const { jestConfig } = require('@salesforce/sfdx-lwc-jest/config');

export default {
    ...jestConfig,
    testEnvironment: require.resolve('jest-environment-jsdom'),
    roots: ['<rootDir>/force-app'],
    // Test files import @sa11y/jest and the wire adapter helpers from the tooling folder.
    modulePaths: ['<rootDir>/scripts/salesforce/node_modules'],
    // Custom Labels resolve to their real values (scripts/salesforce/jest-mocks/labels.cjs).
    setupFilesAfterEnv: [...(jestConfig.setupFilesAfterEnv ?? []), '<rootDir>/scripts/salesforce/jest-mocks/labels.cjs'],
    testMatch: ['**/lwc/**/__tests__/**/*.test.js'],
    testPathIgnorePatterns: ['/node_modules/'],
    modulePathIgnorePatterns: ['<rootDir>/.sf/', '<rootDir>/.sfdx/'],
};
