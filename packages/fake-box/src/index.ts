/** A fake of the Box API on loopback: a real HTTP server that box-node-sdk talks to unchanged (tests and the demo). */
export {};
