/**
 * How tests and benchmarks launch Debian's Chromium through playwright-core: headless, without
 * the background services that would add noise or reach the network.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
