/**
 * Notifications on failure and rollback (optionally on success): Slack incoming webhooks and
 * PagerDuty Events v2. A failure to notify is a warning, never the reason a deploy fails. Messages
 * carry the environment, the verdict, the image and the run URL — never a secret: the webhook URL and
 * the routing key are masked by the caller and only ever used as the request target / body field.
 */
import type { Logger } from '../runtime/logger.js';

export type DeployEvent = 'success' | 'failure' | 'rollback';

export interface DeployNotice {
  event: DeployEvent;
  /** What ran: a deploy (the default), a backup, a restore or a restore's cutover; names the PagerDuty incident apart. */
  activity?: 'deploy' | 'backup' | 'restore' | 'cutover';
  environment: string;
  repository: string;
  /** One line: what happened. */
  headline: string;
  image?: string;
  runUrl?: string;
  environmentUrl?: string;
  /** Short facts (workload → state), shown as fields. */
  details?: Record<string, string>;
}

export interface NotifySettings {
  slackWebhookUrl?: string;
  pagerdutyRoutingKey?: string;
  /** The Events v2 endpoint; an override exists for tests and for EU service regions. */
  pagerdutyEventsUrl: string;
  /** Which events notify; failure and rollback by default. */
  on: ReadonlySet<DeployEvent>;
  timeoutMs: number;
}

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export interface NotifyResult {
  channel: 'slack' | 'pagerduty';
  ok: boolean;
  detail: string;
}

export type Fetch = typeof fetch;

export async function notify(
  notice: DeployNotice,
  settings: NotifySettings,
  ports: { logger: Logger; fetch?: Fetch },
): Promise<NotifyResult[]> {
  const doFetch = ports.fetch ?? fetch;
  const results: NotifyResult[] = [];
  const sends: Array<Promise<NotifyResult>> = [];
  if (settings.slackWebhookUrl && settings.on.has(notice.event)) {
    sends.push(post('slack', settings.slackWebhookUrl, slackMessage(notice), settings.timeoutMs, doFetch));
  }
  // PagerDuty: failures and rollbacks trigger an incident; a later success resolves it (same
  // dedup key), whatever `on` says — an open incident for a deploy that has since succeeded is noise.
  if (settings.pagerdutyRoutingKey && (settings.on.has(notice.event) || notice.event === 'success')) {
    const body = pagerdutyEvent(notice, settings.pagerdutyRoutingKey);
    sends.push(post('pagerduty', settings.pagerdutyEventsUrl, body, settings.timeoutMs, doFetch));
  }
  for (const result of await Promise.all(sends)) {
    results.push(result);
    if (result.ok) ports.logger.info(`notified ${result.channel}: ${result.detail}`);
    else
      ports.logger.warning(`could not notify ${result.channel}: ${result.detail} (the deploy's result is unchanged)`);
  }
  return results;
}

async function post(
  channel: NotifyResult['channel'],
  url: string,
  body: unknown,
  timeoutMs: number,
  doFetch: Fetch,
): Promise<NotifyResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { channel, ok: true, detail: `HTTP ${response.status}` };
      // 429 and 5xx are worth one more try; anything else will not improve.
      if (attempt < 2 && (response.status === 429 || response.status >= 500)) continue;
      return { channel, ok: false, detail: `HTTP ${response.status}` };
    } catch (error) {
      if (attempt < 2) continue;
      const e = error as { name?: string; cause?: { code?: string } };
      return {
        channel,
        ok: false,
        detail:
          e.name === 'TimeoutError'
            ? `no answer within ${timeoutMs}ms`
            : `request failed (${e.cause?.code ?? e.name ?? 'error'})`,
      };
    }
  }
}

const EMOJI: Record<DeployEvent, string> = { success: ':white_check_mark:', failure: ':x:', rollback: ':rewind:' };

export function slackMessage(n: DeployNotice): unknown {
  const title = `${EMOJI[n.event]} ${n.repository} → ${n.environment}: ${n.headline}`;
  const fields = Object.entries({
    ...(n.image ? { Image: n.image } : {}),
    ...(n.environmentUrl ? { URL: n.environmentUrl } : {}),
    ...(n.details ?? {}),
  }).map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${v}` }));
  return {
    text: title,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: title } },
      ...(fields.length ? [{ type: 'section', fields: fields.slice(0, 10) }] : []),
      ...(n.runUrl ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `<${n.runUrl}|Workflow run>` }] }] : []),
    ],
  };
}

export function pagerdutyEvent(n: DeployNotice, routingKey: string): unknown {
  const activity = n.activity ?? 'deploy';
  // deploy keeps its key; a backup's incident is its own (a later deploy must not resolve it)
  const dedupKey =
    activity === 'deploy'
      ? `phlo-deploy/${n.repository}/${n.environment}`
      : `phlo-deploy/${activity}/${n.repository}/${n.environment}`;
  if (n.event === 'success') {
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKey };
  }
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: dedupKey,
    payload: {
      summary:
        `${n.repository} ${activity} ${activity === 'deploy' ? 'to' : 'of'} ${n.environment}: ${n.headline}`.slice(
          0,
          1024,
        ),
      source: `phlo-deploy/${n.environment}`,
      severity: n.event === 'failure' ? 'critical' : 'warning',
      component: n.repository,
      group: n.environment,
      class: `${activity}-${n.event}`,
      custom_details: { image: n.image, environment_url: n.environmentUrl, ...n.details },
    },
    ...(n.runUrl ? { links: [{ href: n.runUrl, text: 'Workflow run' }] } : {}),
  };
}
