/** Kept in step with package.json by the release checklist (a test compares them). */
export const TOOL_VERSION = '0.1.0';
