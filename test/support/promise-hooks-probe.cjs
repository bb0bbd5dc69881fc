// Preloaded into a service under test (`--require`): on SIGUSR2 it writes one JSON line saying
// whether Node's promise hooks are on. Once any AsyncLocalStorage has run, Node 20 marks every
// new promise with its async id, so a fresh promise tells.
process.on('SIGUSR2', () => {
  const marks = Object.getOwnPropertySymbols(Promise.resolve()).map(String);
  process.stdout.write(
    `${JSON.stringify({ probe: 'promise-hooks', on: marks.includes('Symbol(async_id_symbol)') })}\n`,
  );
});
