/**
 * The notification inputs of the restore and cutover actions, read one way: `slack-webhook-url` and
 * `pagerduty-routing-key` (masked first, before anything can print), `pagerduty-events-url` and
 * `notify-on`. Problems are returned as lines, for the caller's one list of every problem.
 */
import { ConfigurationError, collectProblems } from '../runtime/errors.js';
import type { Inputs } from '../runtime/inputs.js';
import { PAGERDUTY_EVENTS_URL, type DeployEvent, type NotifySettings } from './notify.js';

export function readNotifySettings(
  inputs: Inputs,
  mask: (secret: string) => void,
  options: { events: readonly DeployEvent[]; on: readonly DeployEvent[] },
): { notify: NotifySettings; problems: string[] } {
  const slack = inputs.optional('slack-webhook-url');
  if (slack) mask(slack);
  const pagerduty = inputs.optional('pagerduty-routing-key');
  if (pagerduty) mask(pagerduty);
  const { problems, attempt } = collectProblems();
  const on = new Set<DeployEvent>();
  for (const e of inputs.list('notify-on', options.on)) {
    const event = options.events.find((x) => x === e.toLowerCase());
    if (!event)
      problems.push(
        ConfigurationError.forInput(inputs.name('notify-on'), e, `some of ${options.events.join(', ')}`).message,
      );
    else on.add(event);
  }
  const slackOk = slack ? attempt(() => inputs.url('slack-webhook-url')) : undefined;
  const pagerdutyUrl =
    attempt(() => inputs.url('pagerduty-events-url', PAGERDUTY_EVENTS_URL)) ?? new URL(PAGERDUTY_EVENTS_URL);
  return {
    notify: {
      ...(slackOk && slack ? { slackWebhookUrl: slack } : {}),
      ...(pagerduty ? { pagerdutyRoutingKey: pagerduty } : {}),
      pagerdutyEventsUrl: pagerdutyUrl.toString(),
      on,
      timeoutMs: 10_000,
    },
    problems,
  };
}
