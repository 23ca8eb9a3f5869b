/**
 * Carries one value along a turn's asynchronous calls (everything a function awaits), so code deep inside the turn
 * finds it without it being passed down. node:async_hooks' AsyncLocalStorage has this shape: the composition root
 * (server/turn-secrets.ts) injects one, and core/ never imports a node-only module.
 */
export interface TurnContext<T> {
  /** The value of the turn in progress here, or undefined outside any turn. */
  getStore(): T | undefined;
  /** Runs `fn` as a turn holding `value`, for `fn` and whatever it awaits. */
  run<R>(value: T, fn: () => R): R;
}
