// Side-effect module: loads .env, .env.local etc. the way `next start` does, before anything reads env.
import nextEnv from "@next/env";

nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production");
