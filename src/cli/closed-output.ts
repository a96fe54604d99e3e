/**
 * What the binary does when the reader of its output goes away (`propsync plan … | head`).
 * Node ignores SIGPIPE, so a write to a closed pipe surfaces as an EPIPE 'error' event on the
 * stream; unhandled, it crashes the process with a stack trace. The reader has taken all it
 * wanted, so the command ends quietly with exit 0, as a pipeline expects of its writer.
 */
export function endQuietlyOnClosedOutput(
  streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr],
  exit: (code: number) => void = (code) => process.exit(code),
): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') exit(0);
      else throw error;
    });
  }
}
