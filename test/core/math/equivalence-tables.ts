/** Answer pairs shared by the grader's strict-mode tests and the vote-clustering tests. */

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

