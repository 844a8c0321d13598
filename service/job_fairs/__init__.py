"""双选会 (job fairs): organised by a school or a regulator; verified enterprises book booths with
their open positions, the organiser approves; students sign up (capacity enforced) and are
checked in; applications made through the fair are counted in its figures."""
