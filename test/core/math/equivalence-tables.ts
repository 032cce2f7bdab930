/** Answer pairs shared by the grader's tests, the vote-clustering tests and bench:grade. */

/**
 * Each row is a hole found on real answer forms (issue 17). `equal` is the right grade; before the fix
 * every row here graded the other way.
 */
export type Row = [pred: string, ref: string, equal: boolean];

export const holes: Record<string, Row[]> = {
  displaystyle: [
    ['\\displaystyle\\frac{3}{4}', '\\frac{3}{4}', true],
    ['\\displaystyle \\frac{a}{b}', '\\frac{a}{b}', true],
  ],
  threeDigitLists: [
    ['45^\\circ, 135^\\circ', '45135', false],
    ['100, 200', '100200', false],
    ['45^\\circ, 135^\\circ', '135, 45', true],
  ],
  choices: [
    ['\\text{A}, \\text{C}', '\\text{A}, \\text{B}', false],
    ['A, D', 'D', false],
    ['A, D', '\\text{(D)}', false],
  ],
  exactIntegers: [
    ['1000000008', '1000000007', false],
    ['1000000007', '1000000008', false],
  ],
  unions: [
    ['(3,4)\\cup(0,1)', '(0,1)\\cup(3,4)', true],
    ['[5,\\infty)\\cup(-\\infty,-2]', '(-\\infty,-2]\\cup[5,\\infty)', true],
  ],
  unbracedExponents: [
    ['3^10', '0', false],
    ['2^10', '1024', true],
    ['3^{10}', '3^10', true],
  ],
  words: [
    ['greater than 0', '0', false],
    ['\\text{no solution}', '0', false],
  ],
  numericIdentities: [
    ['128 - 24 + 2 = 106', '1 + (-3) + 2 = 0', false],
    ['4*4*4*4=256', '256', true],
    ['4\\cdot 4\\cdot 4\\cdot 4=256', '255', false],
  ],
  exactValues: [
    ['339024 + \\frac{1}{12}', '339024', false],
    ['339024', '339024 + \\frac{1}{12}', false],
    ['\\frac{4064256}{4064257}', '1', false],
    ['10^{200} - 7\\cdot 10^{100} + 12', '10^{200} - 7\\cdot 10^{100} + 6', false],
    ['10^{200} - 7\\cdot 10^{100} + 12', '10^{200} - 7\\cdot 10^{100} + 12', true],
  ],
  listVersusInterval: [
    ['-4, 1', '[-4, 1]', false],
    ['[-4, 1]', '-4, 1', false],
  ],
  baseSubscripts: [
    ['1011₂', '1011_2', true],
    ['212₃', '212_{3}', true],
    ['2516_\\text{8}', '2516_8', true],
    ['(2516)_8', '2516_8', true],
    ['2516_{(8)}', '2516_8', true],
    ['2516 base 8', '2516_8', true],
    ['2516_{\\text{eight}}', '2516_8', true],
    ['2516_\\text{8}', '2516', false],
  ],
  units: [
    ['1152 cups', '1152', true],
    ['18 apples', '18', true],
  ],
};

/** Forms that land in separate answer-key groups today but are the same answer (issue 17's pairs). */
export const equivalentForms: [string, string][] = [
  ['\\left( 70 \\right)', '70'],
  ['\\displaystyle\\frac{a}{b}', '\\frac{a}{b}'],
  ['3, 1, 2', '1, 2, 3'],
  ['2\\sqrt{5}', '\\sqrt{20}'],
  ['\\frac{\\pi}{2}', '\\frac{1}{2}\\pi'],
  ['1.5\\times 10^{3}', '1500'],
  ['\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', '(1, 2)'],
];

/** Near misses: different answers that a loose grader merges. Strict mode must keep every pair apart. */
export const nearMisses: [string, string][] = [
  ['1000000008', '1000000007'],
  ['339024 + \\frac{1}{12}', '339024'],
  ['\\frac{4064256}{4064257}', '1'],
  ['10^{200} - 7\\cdot 10^{100} + 12', '10^{200} - 7\\cdot 10^{100} + 6'],
  ['0.3333', '\\frac{1}{3}'],
  ['3.1416', '\\pi'],
  ['7\\%', '7'],
  ['7\\%', '0.07'],
  ['-4, 1', '[-4, 1]'],
  ['(1,2)', '[1,2]'],
  ['A, D', 'D'],
  ['\\text{A}, \\text{C}', '\\text{A}, \\text{B}'],
  ['3^10', '0'],
  ['greater than 0', '0'],
  ['128 - 24 + 2 = 106', '1 + (-3) + 2 = 0'],
  ['45^\\circ, 135^\\circ', '45135'],
  ['100, 200', '100200'],
  ['9999', '10000'],
  ['52_8', '52'],
  ['x+1', 'x-1'],
];
