export * from './auth';
export * from './report';
