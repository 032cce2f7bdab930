import { describe, expect, it } from 'vitest';
import { gradeAnswer, mathEqual } from '../../../src/core/math';

type Row = [pred: string, ref: string, equal: boolean];

const normalisation: Row[] = [
  ['\\boxed{5}', '5', true],
  ['\\fbox{\\frac{1}{2}}', '\\frac12', true],
  ['\\dfrac{3}{4}', '\\frac{3}{4}', true],
  ['\\tfrac34', '\\frac{3}{4}', true],
  ['\\frac{270}7', '\\frac{270}{7}', true],
  ['\\frac1{72}', '\\frac{1}{72}', true],
  ['\\frac 59', '\\frac{5}{9}', true],
  ['\\frac9{19}', '\\frac{9}{19}', true],
  ['\\left( 3, \\frac{\\pi}{2} \\right)', '(3,\\frac{\\pi}{2})', true],
  ['10\\text{ cm}', '10', true],
  ['5.4 \\text{ cents}', '5.4', true],
  ['864 \\mbox{ inches}^2', '864', true],
  ['15\\mbox{ cm}^2', '15', true],
  ['12 inches', '12', true],
  ['45 degrees', '45', true],
  ['90^\\circ', '90', true],
  ['30^{\\circ}', '30', true],
  ['\\frac{270}7\\text{ degrees}', '\\frac{270}{7}', true],
  ['\\$32,\\!348', '32348', true],
  ['\\$18.90', '18.9', true],
  ['$36', '36', true],
  ['36 dollars', '36', true],
  ['x = 5', '5', true],
  ['x=5', 'x=5', true],
  ['k = -3', '-3', true],
  ['\\theta = 30^\\circ', '30', true],
  ['5.0', '5', true],
  ['5.', '5', true],
  ['.5', '0.5', true],
  ['-.25', '-\\frac14', true],
  ['\\sqrt3', '\\sqrt{3}', true],
  ['11\\sqrt2', '11\\sqrt{2}', true],
  ['1,000', '1000', true],
  ['10,\\!080', '10080', true],
  ['11,\\! 111,\\! 111,\\! 100', '11111111100', true],
  ['10{,}000', '10000', true],
  ['58,500', '58500', true],
  ['\\text{Evelyn}', 'Evelyn', true],
  ['evelyn', '\\text{Evelyn}', true],
  ['five', '5', true],
  ['x \\in [-2,7]', '[-2,7]', true],
  ['\\frac{\\sqrt{3}}{3}', '\\frac{\\sqrt3}{3}', true],
  ['\\text{east}', 'east', true],
  ['4210_{5}', '4210_5', true],
  ['52_8', '52_{8}', true],
  ['52_8', '52', false],
  ['\\left[ \\frac{\\pi^2}{8}, \\frac{5 \\pi^2}{4} \\right]', '[\\frac{\\pi^2}{8},\\frac{5\\pi^2}{4}]', true],
  ['\\emptyset', '\\varnothing', true],
  ['(-\\infty,\\infty)', '\\mathbb{R}', true],
  ['\\infty', 'infinity', true],
  ['Evelyn', 'Navin', false],
  ['\\text{even}', '\\text{odd}', false],
];

const choices: Row[] = [
  ['\\text{(C)}', 'C', true],
  ['(C)', '\\text{(C)}', true],
  ['C', '\\text{(C)}', true],
  ['\\textbf{(B)}', 'B', true],
  ['\\text{(E)}', '(E)', true],
  ['D', '\\text{(C)}', false],
  ['(A)', 'B', false],
];

const zeroPadding: Row[] = [
  ['025', '25', true],
  ['25', '025', true],
  ['073', '73', true],
  ['\\boxed{080}', '80', true],
  ['0', '000', true],
  ['250', '025', false],
  ['25', '026', false],
];

const numbers: Row[] = [
  ['0.333333', '0.3333333', true],
  ['3.14159', '3.1416', true],
  ['3.14', '3.1416', false],
  ['13.1801', '13.18', true],
  ['13.19', '13.18', false],
  ['1e3', '1000', true],
  // An integer reference is exact, unlike Qwen's 1e-4 that accepts 9999 for 10000.
  ['9999', '10000', false],
  ['9999.857142857143', '10{,}000', false],
  ['9999\\frac{6}{7}', '10000', false],
  ['10000.0', '10000', true],
  ['-4', '-4.0', true],
  ['-4', '4', false],
  ['0.0000672', '.0000672', true],
  ['6.72\\times10^{-5}', '0.0000672', true],
  ['0', '0.0001', false],
];

const percentages: Row[] = [
  ['50\\%', '0.5', true],
  ['0.5', '50\\%', true],
  ['50%', '50', true],
  ['12.5\\%', '\\frac{1}{8}', true],
  ['\\frac{1}{2}', '50\\%', true],
  ['50 percent', '0.5', true],
  ['50\\%', '0.6', false],
  // Scaling by 100 needs a percent sign on one side; Qwen's grader would equate these.
  ['1', '100', false],
  ['0.25', '25', false],
];

const values: Row[] = [
  ['\\frac{1}{2}', '0.5', true],
  ['1/2', '\\frac{1}{2}', true],
  ['\\frac{2}{4}', '\\frac{1}{2}', true],
  ['\\frac{14}{3}', '4.66667', true],
  ['\\frac{14}{3}', '4.67', false],
  ['-\\frac{35}{9}', '\\frac{-35}{9}', true],
  ['-\\frac{35}{9}', '\\frac{35}{9}', false],
  ['1\\frac{4}{5}', '\\frac{9}{5}', true],
  ['1\\frac{4}{5}', '1.8', true],
  ['137 \\frac{1}{2}', '137.5', true],
  ['12\\frac{3}{5}', '7.2', false],
  ['\\frac{20000}{\\pi}', '6366.1977', true],
  ['\\frac43', '\\frac{4}{3}', true],
  ['1/2', '2', false],
  ['\\frac{12}{3}', '\\frac{1}{23}', false],
  ['\\frac{3}{8}', '\\frac{5}{16}', false],
  ['\\sqrt{2}/2', '\\frac{\\sqrt{2}}{2}', true],
  ['2\\sqrt{5}', '\\sqrt{20}', true],
  ['2 \\sqrt{5}', '2\\sqrt{5}', true],
  ['\\sqrt{20}', '4.47214', true],
  ['3\\sqrt{13}', '\\sqrt{117}', true],
  ['\\frac{3\\sqrt{3}}{4}', '\\frac{3}{4}\\sqrt{3}', true],
  ['\\frac{\\sqrt{3}}{3}', '\\frac{1}{\\sqrt{3}}', true],
  ['\\sqrt[3]{8}', '2', true],
  ['\\sqrt[3]{-27}', '-3', true],
  ['2\\sqrt{5}', '\\sqrt{10}', false],
  ['7\\pi', '7 \\pi', true],
  ['288 \\pi', '288\\pi', true],
  ['18+2\\pi', '2\\pi+18', true],
  ['\\pi', '3.14159', true],
  ['\\pi', '3.14', false],
  ['8\\pi', '8', false],
  ['2^{10}', '1024', true],
  ['10^{-2}', '0.01', true],
  ['\\left(\\frac{1}{2}\\right)^3', '\\frac18', true],
  ['e^{i\\pi}', '-1', true],
  ['\\binom{8}{4}', '70', true],
  ['5!', '120', true],
  ['\\log_2 8', '3', true],
  ['\\cos\\frac{\\pi}{3}', '\\frac12', true],
  ['6-5i', '6 - 5i', true],
  ['-2 + 7i', '7i-2', true],
  ['1+2i', '1-2i', false],
  ['\\frac{1+i}{1-i}', 'i', true],
];

const symbolic: Row[] = [
  ['p - q', '-q+p', true],
  ['x+1', 'x-1', false],
  ['(a+5)(b+2)', 'ab+2a+5b+10', true],
  ['(a+5)(b+2)', 'ab+2a+5b+11', false],
  ['\\frac{x+2}{7}', '\\frac{x}{7}+\\frac{2}{7}', true],
  ['x^5 - x^4 + x^3 - x^2 + x - 1', '(x-1)(x^4+x^2+1)', true],
  ['x^3+3x-6', 'x^3+3x+6', false],
  ['2k+2', '2(k+1)', true],
  ['6r^2-4r-24', '2(3r^2-2r-12)', true],
  ['\\frac{11+9a}{20}', '\\frac{11}{20}+\\frac{9a}{20}', true],
  ['\\sec^2 y', '\\tan^2 y + 1', true],
  ['\\sin^2 x + \\cos^2 x', '1', true],
  ['\\cot x', '\\frac{\\cos x}{\\sin x}', true],
  ['\\cot x', '\\tan x', false],
  ['\\sqrt{x^2}', 'x', false],
  ['|x|', '\\sqrt{x^2}', true],
  ['x^2', 'x^3', false],
  ['xy', 'yx', true],
  ['2\\pi r', '2r\\pi', true],
  ['\\frac{a}{b}', '\\frac{b}{a}', false],
  ['8n^2 + 4n + 1', '4n(2n+1)+1', true],
  ['\\theta+1', '1+\\theta', true],
  ['a_1+a_2', 'a_2+a_1', true],
  ['a_1+a_2', 'a_1+a_3', false],
  ['4t', '4t', true],
  ['4t', '4', false],
  // Text answers compare case-insensitively, as in the Qwen grader.
  ['3R^2', '3r^2', true],
];

const structures: Row[] = [
  ['(1,2)', '[1,2]', false],
  ['(1,2)', '(1, 2)', true],
  ['(3,4]', '(3,4)', false],
  ['[0,1)', '[0, 1)', true],
  ['(1,4.5)', '(1,\\frac{9}{2})', true],
  ['(2,1)', '(1,2)', false],
  ['(6,31,-1)', '(6,31,-1)', true],
  ['(6,31,-1)', '(6,31)', false],
  ['\\left( \\frac{3}{2}, -13 \\right)', '(1.5,-13)', true],
  ['(-\\infty, 0]', '(-\\infty,0]', true],
  ['(2,\\infty)', '(2, \\infty)', true],
  ['(2,\\infty)', '[2,\\infty)', false],
  ['(-\\infty, 2) \\cup (3, \\infty)', '(-\\infty,2)\\cup(3,\\infty)', true],
  ['(0,9) \\cup (9,36)', '(0,9)\\cup(9,35)', false],
  ['(0,9) \\cup (9,36)', '(0,36)', false],
  ['\\left(\\frac{3}{5},\\frac{8}{3}\\right]', '(0.6, \\frac{8}{3}]', true],
  ['(-\\sqrt{3}, \\sqrt{3})', '(-\\sqrt3,\\sqrt3)', true],
  ['(1,2)', '1,2', true],
  ['(x,y)=(1,2)', '(1,2)', true],
  ['x=1, y=2', '(1,2)', true],
  ['1,-2', '-2,1', true],
  ['3, 5, 7', '7,5,3', true],
  ['3, 5, 7', '3,5', false],
  ['3 and 5', '3, 5', true],
  ['\\{1\\pm\\sqrt{5},-2\\}', '\\{-2, 1+\\sqrt5, 1-\\sqrt5\\}', true],
  ['1 \\pm \\sqrt{19}', '1+\\sqrt{19}, 1-\\sqrt{19}', true],
  ['3 \\pm 2 \\sqrt{2}', '3+2\\sqrt2,3-2\\sqrt2', true],
  ['1 \\pm \\sqrt{19}', '1+\\sqrt{19}', false],
  ['\\{1,2\\}', '\\{2,1\\}', true],
  ['\\{1,2\\}', '\\{1,3\\}', false],
  ['\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', '\\begin{bmatrix}1&2\\\\3&4\\end{bmatrix}', true],
  [
    '\\begin{pmatrix} -1/3 \\\\ 2/3 \\\\ 5/3 \\end{pmatrix}',
    '\\begin{pmatrix}-\\frac13\\\\\\frac23\\\\\\frac53\\end{pmatrix}',
    true,
  ],
  ['\\begin{pmatrix} -1 & 0 \\\\ 0 & -1 \\end{pmatrix}', '\\begin{pmatrix}-1&0\\\\0&1\\end{pmatrix}', false],
  ['\\begin{pmatrix} -2 \\\\ -14 \\\\ -7 \\end{pmatrix}', '(-2,-14,-7)', true],
  ['\\begin{pmatrix}1&2\\end{pmatrix}', '\\begin{pmatrix}1\\\\2\\end{pmatrix}', false],
  [
    '\\begin{pmatrix} 16/49 \\\\ 48/49 \\\\ 24/49 \\end{pmatrix}',
    '\\begin{pmatrix}0.32653\\\\0.97959\\\\0.4898\\end{pmatrix}',
    true,
  ],
  ['\\begin{array}{cc}1&2\\\\3&4\\end{array}', '\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}', true],
  ['\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', '[1,2]', false],
];

const equations: Row[] = [
  ['x^2+y^2=1', 'y^2+x^2=1', true],
  ['y = 2x + 3', '2x+3', true],
  ['y = 2x + 3', '4x-2y+6=0', true],
  ['y = 2x + 3', 'y = 2x - 3', false],
  ['5x - 7y + 11z + 4 = 0', '-10x+14y-22z-8=0', true],
  ['5x - 7y + 11z + 4 = 0', '5x-7y+11z-4=0', false],
  ['y = -2x', '2x+y=0', true],
  ['x^2 = 4', 'x = 2', false],
  ['x^2+y^2=1', 'x^2+y^2=2', false],
];

const degenerate: Row[] = [
  ['', '5', false],
  ['5', '', false],
  ['\\frac{1}{0}', '\\frac{1}{0}', true],
  ['\\frac{1}{0}', '1', false],
  ['x+1', 'garbage\\foo{', false],
  // A box missing its closing brace (a truncated generation) still shows its content.
  ['\\boxed{\\frac{1}{2}', '\\frac{1}{2}', true],
];

const tables = {
  normalisation,
  choices,
  zeroPadding,
  numbers,
  percentages,
  values,
  symbolic,
  structures,
  equations,
  degenerate,
};

describe('mathEqual', () => {
  for (const [name, rows] of Object.entries(tables)) {
    it.each(rows)(`${name}: %s vs %s → %s`, (pred, ref, equal) => {
      expect(mathEqual(pred, ref)).toBe(equal);
    });
  }

  it('has a table of at least 150 pairs, both ways', () => {
    const all = Object.values(tables).flat();
    expect(all.length).toBeGreaterThanOrEqual(150);
    expect(all.filter((r) => !r[2]).length).toBeGreaterThanOrEqual(50);
  });

  it('drops percentage scaling when asked', () => {
    expect(mathEqual('50\\%', '0.5', { includePercentage: false })).toBe(false);
    expect(mathEqual('50\\%', '50', { includePercentage: false })).toBe(true);
  });

  it('honours a looser tolerance when given one', () => {
    expect(mathEqual('3.14', '3.1416', { relTol: 1e-2 })).toBe(true);
  });

  it('answers false once the time budget is spent, but still matches equal strings', () => {
    let t = 0;
    const now = () => (t += 1000); // every reading jumps a second past the 2000 ms default budget
    expect(mathEqual('\\frac{x+2}{7}', '\\frac{x}{7}+\\frac{2}{7}', { now })).toBe(false);
    expect(mathEqual('\\frac{x+2}{7}', '\\frac{x+2}{7}', { now })).toBe(true);
  });

  it('never throws and stays fast on hostile input', () => {
    const hostile = [
      '2^{2^{2^{2^{2^{2^{2}}}}}}',
      '\\binom{1000000000}{500000000}',
      '100000!',
      '{'.repeat(2000),
      '\\frac{'.repeat(300) + '1' + '}{2}'.repeat(300),
      '('.repeat(500) + 'x' + ')'.repeat(500),
      'x+'.repeat(3000) + 'x',
      '\\sqrt{'.repeat(200) + '2' + '}'.repeat(200),
      '1,'.repeat(2000) + '1',
      '\\begin{pmatrix}' + '1&'.repeat(400) + '1\\end{pmatrix}',
    ];
    const start = Date.now();
    for (const h of hostile) {
      expect(() => mathEqual(h, '3')).not.toThrow();
      expect(mathEqual(h, '3')).toBe(false);
      expect(mathEqual('3', h)).toBe(false);
    }
    expect(Date.now() - start).toBeLessThan(3000);
  });
});

describe('gradeAnswer', () => {
  it('grades a missing answer as wrong', () => {
    expect(gradeAnswer(null, '5')).toBe(false);
  });

  it('grades an extracted answer against the ground truth', () => {
    expect(gradeAnswer('\\frac{1}{2}', '0.5')).toBe(true);
    expect(gradeAnswer('\\frac{1}{3}', '0.5')).toBe(false);
  });
});
