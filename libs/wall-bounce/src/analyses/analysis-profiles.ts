import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DomainError } from '@techsapo/core';
import { type AnalysisProfile, PROFILE_PREFIX } from '../config/analysis-profiles';
import { wallBounceEngineConfig } from '../config/wall-bounce-engine.config';
import type { CreateAnalysisInput } from './analyses.service';

export class UnknownProfileError extends DomainError {
  constructor(model: string, known: readonly string[]) {
    super(
      'model-not-found',
      404,
      'Model not found',
      `The model "${model.slice(0, 100)}" does not exist. Models: ${known.join(', ')}.`,
    );
  }
}

/** What a profile sets of an analysis request. */
export type ProfileChoice = Pick<
  CreateAnalysisInput,
  'mode' | 'providers' | 'aggregator' | 'maxCostUsd' | 'gates'
>;

/** The analysis profiles by model name (`techsapo/<name>`), as configured at boot. */
@Injectable()
export class AnalysisProfiles {
  constructor(
    @Inject(wallBounceEngineConfig.factory.KEY)
    private readonly config: ConfigType<typeof wallBounceEngineConfig.factory>,
  ) {}

  list(): readonly AnalysisProfile[] {
    return this.config.profiles;
  }

  modelOf(profile: AnalysisProfile): string {
    return PROFILE_PREFIX + profile.name;
  }

  /** The profile a model names; UnknownProfileError (404) for any other name. */
  get(model: string): AnalysisProfile {
    const name = model.startsWith(PROFILE_PREFIX) ? model.slice(PROFILE_PREFIX.length) : undefined;
    const found = this.config.profiles.find((p) => p.name === name);
    if (!found)
      throw new UnknownProfileError(
        model,
        this.config.profiles.map((p) => this.modelOf(p)),
      );
    return found;
  }

  /** The request fields a profile decides. */
  choiceOf(profile: AnalysisProfile): ProfileChoice {
    return {
      mode: profile.mode,
      ...(profile.peers ? { providers: profile.peers } : {}),
      ...(profile.aggregator ? { aggregator: profile.aggregator } : {}),
      ...(profile.maxCostUsd !== undefined ? { maxCostUsd: profile.maxCostUsd } : {}),
      ...(profile.gates ? { gates: profile.gates } : {}),
    };
  }
}
