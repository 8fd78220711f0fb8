/**
 * A Server-Sent Events parser (WHATWG HTML §9.2.6 "Interpreting an event stream") for streams read with
 * fetch(): EventSource cannot send the Authorization header the API requires.
 */

/**
 * @typedef {{ event: string, data: string, id: string }} SseMessage
 */

/**
 * Feed decoded text chunks with `push`; `onMessage` is called once per complete event.
 * @param {(message: SseMessage) => void} onMessage
 */
export function createSseParser(onMessage) {
  let buffer = '';
  let event = '';
  /** @type {string[]} */
  let data = [];
  let lastId = '';

  /** @param {string} line */
  function processLine(line) {
    if (line === '') {
      if (data.length > 0) onMessage({ event: event || 'message', data: data.join('\n'), id: lastId });
      event = '';
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) lastId = value;
  }

  return {
    /** @param {string} chunk */
    push(chunk) {
      buffer += chunk;
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        // A lone trailing \r may be the first half of \r\n: wait for the next chunk.
        if (!match || (match[0] === '\r' && match.index === buffer.length - 1)) break;
        processLine(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    },
    /** End of stream: an unterminated event is discarded, as the specification says. */
    end() {
      buffer = '';
      event = '';
      data = [];
    },
  };
}
