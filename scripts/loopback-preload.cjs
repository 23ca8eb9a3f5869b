// Preloaded into the Agents Playground (node -r), which has no host option and would listen on every interface:
// any listen() without an explicit loopback host is pinned to 127.0.0.1.
'use strict';
const net = require('node:net');

const original = net.Server.prototype.listen;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

net.Server.prototype.listen = function listen(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    if (first.path === undefined && !LOOPBACK.has(first.host)) args[0] = { ...first, host: '127.0.0.1' };
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, cb])
    if (typeof args[1] !== 'string' || !LOOPBACK.has(args[1])) {
      const rest = typeof args[1] === 'string' ? args.slice(2) : args.slice(1);
      args = [first, '127.0.0.1', ...rest];
    }
  } else if (first === undefined || typeof first === 'function') {
    args = [0, '127.0.0.1', ...args.slice(first === undefined ? 1 : 0)];
  }
  return original.apply(this, args);
};
