/** cosign signing and verification: argv builders, output parsers, redaction, admission policies, .gitignore checks for new keys. */
export * from './args';
export * from './digest';
export * from './output';
export * from './redact';
export * from './policy';
export * from './gitignore';
