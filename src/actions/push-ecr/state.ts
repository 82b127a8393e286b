/** push-ecr's post-step state keys, in one place. */
export const STATE = {
  /** The private DOCKER_CONFIG directory the post step logs out of and deletes. */
  dockerConfig: 'docker-config',
  /** The registry host docker logged in to. */
  registry: 'registry',
} as const;
