import { isMosaicError, MosaicError } from '../contracts/index.js';
import { type LoadOptions, loadBundle } from './bundle.js';
import type { PolicyContext } from './context.js';
import type { PolicyBundle } from './load.js';

export type ReplaceResult =
  | { readonly ok: true; readonly bundle: PolicyBundle; readonly changed: boolean }
  | { readonly ok: false; readonly error: MosaicError; readonly active: PolicyBundle | undefined };

/**
 * The active bundle of a node, with reload semantics: a new bundle replaces the active one only when it loads
 * completely; an invalid one is refused and the last good bundle stays active (the gateway reports the
 * refusal in `/readyz` and the log). Swapping is one reference assignment, so a decision in flight keeps the
 * bundle it started with.
 */
export class PolicyHolder {
  #active: PolicyBundle | undefined;
  #lastError: MosaicError | undefined;
  #context: PolicyContext;
  readonly #options: LoadOptions;

  constructor(context: PolicyContext, options: LoadOptions = {}) {
    this.#context = context;
    this.#options = options;
  }

  /** The active bundle, if any. */
  current(): PolicyBundle | undefined {
    return this.#active;
  }

  /** The active bundle, or MOSAIC_ERR_POLICY_NOT_LOADED (deny by default: no bundle, no release). */
  require(): PolicyBundle {
    if (!this.#active) throw new MosaicError('MOSAIC_ERR_POLICY_NOT_LOADED');
    return this.#active;
  }

  /** Why the last attempt was refused; cleared by the next success. */
  lastError(): MosaicError | undefined {
    return this.#lastError;
  }

  /**
   * Load `dir` and make it active if valid. Pass a new context when the trust list or catalogue changed: a
   * bundle naming an agency that left the federation is then refused, and the previous one stays.
   */
  tryReplace(dir: string, context?: PolicyContext): ReplaceResult {
    const ctx = context ?? this.#context;
    try {
      const bundle = loadBundle(dir, ctx, this.#options);
      const changed = this.#active?.digest !== bundle.digest || this.#active.context !== ctx;
      this.#active = bundle;
      this.#context = ctx;
      this.#lastError = undefined;
      return { ok: true, bundle, changed };
    } catch (err) {
      // Only coded errors are refusals of the input; anything else is a bug and must surface.
      if (!isMosaicError(err)) throw err;
      this.#lastError = err;
      return { ok: false, error: err, active: this.#active };
    }
  }
}
