// Starts Mailroom once before all test files and hands its address to them with provide/inject.

import type { TestProject } from 'vitest/node';
import { startMailroom } from 'mailroom-server';

export default async function setup(project: TestProject) {
  const mailroom = await startMailroom();
  project.provide('mailroomUrl', mailroom.url);
  project.provide('mailroomSmtpPort', mailroom.smtpPort);
  return () => mailroom.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    mailroomUrl: string;
    mailroomSmtpPort: number;
  }
}
