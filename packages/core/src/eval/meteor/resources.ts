// Word lists METEOR 1.5 ships for English (meteor-1.5.jar: function/english.words, nonbreaking/english.prefixes;
// LGPL, CMU and the Moses project): function words weigh 1 − delta in the scores; nonbreaking prefixes keep their period.

export const ENGLISH_FUNCTION_WORDS: ReadonlySet<string> = new Set([
  'the', ',', '.', 'to', 'of', 'and', 'a', 'in', 'that', 'for', '"', 'is', 'on', "'s", 'it', 'with', 'was', 'as', 'said',
  'at', 'he', 'by', 'be', 'from', 'have', 'has', 'are', 'his', 'but', 'an', 'this', 'not', 'i', 'will', '\u2019', 'they',
  ')', '-rrb-', '(', '-lrb-', 'who', 'their', 'had', 'we', 'which', 'were', 'been', 'more', 'or', 's', 'its', 'would',
  'about', 'new', 'one', 'after', 'you', ':', 'also', 'up', 'when', 'there', 'than', '$', 'all', 'out', 'her', 'people',
  'she', 'year', 'two', '-', 'can', 'if', 'last', 'first', '\u201c', 'over', 'other', '\u201d', 'into', 'some', 'what',
  'so', '--', 'no', 'time', 'years', 'could', '?', "'t", '\u2014', "'",
]);

/** Prefix → whether it is nonbreaking only before a number. */
export const ENGLISH_NONBREAKING_PREFIXES: ReadonlyMap<string, 'any' | 'numeric'> = new Map<string, 'any' | 'numeric'>([
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''),
  'Adj', 'Adm', 'Adv', 'Asst', 'Bart', 'Bldg', 'Brig', 'Bros', 'Capt', 'Cmdr', 'Col', 'Comdr', 'Con', 'Corp', 'Cpl', 'DR', 'Dr',
  'Drs', 'Ens', 'Gen', 'Gov', 'Hon', 'Hr', 'Hosp', 'Insp', 'Lt', 'MM', 'MR', 'MRS', 'MS', 'Maj', 'Messrs', 'Mlle', 'Mme', 'Mr',
  'Mrs', 'Ms', 'Msgr', 'Op', 'Ord', 'Pfc', 'Ph', 'Prof', 'Pvt', 'Rep', 'Reps', 'Res', 'Rev', 'Rt', 'Sen', 'Sens', 'Sfc', 'Sgt',
  'Sr', 'St', 'Supt', 'Surg', 'v', 'vs', 'i.e', 'rev', 'e.g', 'Nos',
].map((p): [string, 'any' | 'numeric'] => [p, 'any']).concat([['No', 'numeric'], ['Art', 'numeric'], ['pp', 'numeric']]));
