import "./load-env";
import { DEMO_PASSWORD, DEMO_USERS, seedDemoUsers } from "@/db/seed";

await seedDemoUsers();
console.log(`Seeded ${DEMO_USERS.map((u) => u.email).join(", ")} (password ${DEMO_PASSWORD}); the athlete is on the coach's roster.`);
