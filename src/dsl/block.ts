/** block(): Ansible's block / rescue / always. */
import { ValidationError, type Block, type BlockOptions, type TaskItem } from '../core/index.ts';
import { schemaProblems } from '../core/schema.ts';
import { fn, strict, z } from '../schema/index.ts';
import { callSite } from './defined-at.ts';
import { taskItem } from './play-props.ts';

/** Options of `block`: the sections after the tasks, and what the block passes on to every task inside it. */
export interface BlockProps extends BlockOptions {
  /** Shown in output and reports. */
  readonly name?: string;
  /** Run on a host where a task of the block failed; when they complete, the host goes on (recap: rescued). @default [] */
  readonly rescue?: readonly TaskItem[];
  /** Run on every host that entered the block, whether a task failed or not. @default [] */
  readonly always?: readonly TaskItem[];
}

const propsSchema = strict({
  name: z.string().min(1).optional(),
  rescue: z.array(taskItem).optional(),
  always: z.array(taskItem).optional(),
  when: z.union([z.boolean(), fn('a function (ctx) => boolean')]).optional(),
  become: z.boolean().optional(),
  becomeUser: z.string().min(1).optional(),
  tags: z.array(z.string().min(1)).optional(),
});

/**
 * Group tasks as Ansible's `block`: `block([tasks…], { rescue: [...], always: [...], when, become, tags })`.
 * Throws ValidationError (with the call's file:line) for an unknown option or a non-task in a section.
 */
export function block(tasks: readonly TaskItem[], props: BlockProps = {}): Block {
  const definedAt = callSite();
  const problems = [...schemaProblems(z.array(taskItem), tasks, { shallow: true }), ...schemaProblems(propsSchema, props, { shallow: true })];
  if (problems.length) throw new ValidationError(problems.map((message) => ({ where: definedAt, message: `block: ${message}` })));
  const { name, rescue = [], always = [], ...options } = props;
  return { kind: 'block', ...(name !== undefined ? { name } : {}), tasks, rescue, always, options, definedAt };
}
