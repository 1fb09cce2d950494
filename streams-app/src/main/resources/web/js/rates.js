/*
 * How the dashboard shows the rates, keyed by the rate's name in the API's vocabulary: its words,
 * table column class, colour, chart point style and headline element. What each rate counts (its
 * counter out of another), the national key and the counters come from GET api/vocabulary; a rate
 * the vocabulary lists without an entry here is not shown. The order here is the order of the
 * columns in index.html.
 */

/** The national figures' name in the page. */
export const NATIONAL_NAME = 'England and Wales';

export const RATE_PRESENTATION = Object.freeze([
  { name: 'noReferralRate', label: 'No NRM referral', cls: 'col-noref', color: '#bf4209', phrase: 'no NRM referral',
    point: 'circle', headline: 'headline-no-referral', ofWords: 'raids with referral numbers', unknown: 'referrals not given' },
  { name: 'noVictimsRate', label: 'No victims identified', cls: 'col-novict', color: '#0b5ea8', phrase: 'no victims identified',
    point: 'triangle', headline: 'headline-no-victims', ofWords: 'raids with victim numbers', unknown: 'victims not given' },
  { name: 'foiResponseRate', label: 'FOI answered', cls: 'col-foi', color: '#00704d', phrase: 'FOI answered',
    point: 'rectRot', headline: 'headline-foi-answered', ofWords: 'FOI requests', unknown: 'no FOI request yet' }
].map(Object.freeze));

/** The rate of FOI requests answered: its counters also word the headline and other rates' empty cells. */
export const FOI_RATE = 'foiResponseRate';
