import { commandHelp, COMMANDS, findCommand, overviewHelp } from './commands';

describe('mockgraph commands', () => {
  test('the overview lists every command', () => {
    const overview = overviewHelp();
    for (const c of COMMANDS) expect(overview).toContain(`  mockgraph ${c.name}`);
  });

  test.each(COMMANDS.filter((c) => c.flags !== undefined).map((c) => [c.name]))('mockgraph %s --help shows its usage and every flag', (name) => {
    const command = findCommand(name);
    const help = commandHelp(command!);
    expect(help.startsWith(`mockgraph ${name}`)).toBe(true);
    for (const [flag, spec] of Object.entries(command?.flags ?? {})) expect(help).toContain(`--${flag}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`);
    expect(help).toContain('--help');
  });
});
