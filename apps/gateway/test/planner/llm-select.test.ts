// Which planner the configuration picks, and the configuration errors of a forced planner without its key.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { selectPlanner } from '../../src/planner/select.js';
import { sinkLogger } from './fake-tools.js';

const select = (env: Record<string, string>) => selectPlanner(loadConfig({ NODE_ENV: 'test', ...env }).llm, sinkLogger([]));

describe('planner selection', () => {
  it('is rules without a key, anthropic with its key first, then openai', () => {
    expect(select({}).planner.name).toBe('rules');
    expect(select({}).describe).toMatch(/rules, offline/);
    expect(select({ ANTHROPIC_API_KEY: 'a', OPENAI_API_KEY: 'o' }).planner.name).toBe('anthropic');
    expect(select({ ANTHROPIC_API_KEY: 'a' }).describe).toBe('planner: anthropic, model claude-sonnet-4-6, rules as fallback');
    expect(select({ OPENAI_API_KEY: 'o', OPENAI_MODEL: 'gpt-x', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }).describe).toBe(
      'planner: openai, model gpt-x via http://127.0.0.1:9/v1, rules as fallback',
    );
  });

  it('follows PLANNER when it names one', () => {
    expect(select({ PLANNER: 'openai', ANTHROPIC_API_KEY: 'a', OPENAI_API_KEY: 'o' }).planner.name).toBe('openai');
    expect(select({ PLANNER: 'rules', ANTHROPIC_API_KEY: 'a' }).planner.name).toBe('rules');
  });

  it('refuses a forced LLM planner without its key, naming the variable', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', PLANNER: 'anthropic' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', PLANNER: 'anthropic' })).toThrow(/ANTHROPIC_API_KEY: PLANNER=anthropic needs ANTHROPIC_API_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'test', PLANNER: 'openai', ANTHROPIC_API_KEY: 'a' })).toThrow(/OPENAI_API_KEY/);
  });

  it('has bounded LLM defaults', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).llm).toMatchObject({
      anthropicModel: 'claude-sonnet-4-6',
      openaiModel: 'gpt-4o-mini',
      maxTurns: 4,
      maxTokens: 1024,
      timeoutMs: 30_000,
      conversationMaxMessages: 20,
    });
    expect(() => loadConfig({ NODE_ENV: 'test', LLM_MAX_TURNS: '0' })).toThrow(/LLM_MAX_TURNS/);
  });
});
