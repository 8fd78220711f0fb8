/** Hostile inputs every normaliser must survive (CONVENTIONS §12): no throw, bounded output. */
export const HOSTILE: [string, string][] = [
  ['empty', ''],
  ['spaces only', '   \t  '],
  ['huge', 'a'.repeat(200_000)],
  ['mixed scripts', 'Ionuț Попеску محمد Παπαδόπουλος 李小龙'],
  ['zero-width', 'Io\u200Bnu\u200Dț\uFEFF Pope\u200Cscu'],
  ['RTL marks', '\u202E\u200Fucsepop\u202C \u2067محمد\u2069'],
  ['SQL metacharacters', "Robert'); DROP TABLE records;--"],
  ['LIKE wildcards', '%_%\\'],
  ['control characters', 'a\u0000b\u0007c\u001b[31m'],
  ['proto key', '__proto__'],
  ['lone surrogate', '\uD800abc'],
  ['emoji', '👩‍👩‍👧 💣'],
];
