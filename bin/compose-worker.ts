// Composition root of the workers: the job handlers of every service on BullMQ.
import type { Config } from '../shared/config/index.ts';
import type { Logger } from '../shared/logging/logger.ts';
import { JobQueue, ModelSignals, startJobWorkers, type JobHandlers } from '../shared/queues/index.ts';
import { trainChatModelJob } from '../services/chat/index.ts';
import { nightlyJob, rebuildIndexJob, trainRecommendJob } from '../services/recommend/index.ts';

export interface Workers {
  queue: JobQueue;
  close(): Promise<void>;
}

export async function composeWorkers(config: Config, log: Logger): Promise<Workers> {
  const queue = new JobQueue(config.REDIS_URL, config.REDIS_PREFIX);
  const signals = new ModelSignals(config.REDIS_URL, config.REDIS_PREFIX, log);
  const handlers: JobHandlers = {
    'train-recommend': trainRecommendJob(config, signals),
    'rebuild-index': rebuildIndexJob(signals),
    'train-intents': trainChatModelJob(config, signals, 'intents'),
    'train-sentiment': trainChatModelJob(config, signals, 'sentiment'),
  };
  handlers.nightly = nightlyJob(handlers);
  const running = startJobWorkers({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, handlers, log });
  if (config.NIGHTLY_CRON) {
    // waits for Redis in the background: a Redis that is down must not hold up a start
    void queue
      .scheduleNightly(config.NIGHTLY_CRON, config.NIGHTLY_TZ)
      .then(() => log.info({ cron: config.NIGHTLY_CRON, tz: config.NIGHTLY_TZ }, 'nightly flow scheduled'))
      .catch((err: unknown) => log.error({ err }, 'could not schedule the nightly flow'));
  }
  log.info({ jobs: Object.keys(handlers), redis: config.REDIS_URL.replace(/\/\/[^@]*@/, '//***@') }, 'workers running');
  return {
    queue,
    async close() {
      await running.close();
      await queue.close();
    },
  };
}
