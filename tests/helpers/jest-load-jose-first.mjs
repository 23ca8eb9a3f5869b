// Loaded by jest before each test file (jest.config.js setupFiles). The Teams SDK 2.1 (CommonJS) reaches the
// ES-module-only `jose` through require() (jwks-rsa 4). Node allows that, but jest's ESM runtime refuses it as a
// "require() cycle" while the test file's own import graph is still linking `jose` (ERR_REQUIRE_CYCLE_MODULE).
// Evaluating `jose` first gives both paths the same finished module; nothing else changes.
import 'jose';
