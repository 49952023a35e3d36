"""How long the texts people type into a case may be: the model's TextFields have no limit of
their own, so the forms, the API schemas and the services all read them from here (a
100,000-character symptom fits no page, no read-back and no work order)."""

SYMPTOM_LENGTH = 2000
STEPS_TRIED_LENGTH = 2000
SPECIAL_REQUEST_LENGTH = 1000
CONTACT_NAME_LENGTH = 150  # Ticket.contact_name
CONTACT_PHONE_LENGTH = 32  # Ticket.contact_phone
REASON_LENGTH = 1000  # escalation, bounce, reassignment, approval, complaint to the lead
RESOLUTION_LENGTH = 2000
OUTCOME_LENGTH = 2000
DECISION_LENGTH = 4000
REPORT_LENGTH = 10000
NOTE_LENGTH = 1000
SCRIPT_STEP_LENGTH = 300  # a scripted step as the API names it
SCRIPT_ANSWER_LENGTH = 300  # what the customer saw at that step
SCRIPT_STEPS_MAX = 50  # answers in one request: more steps than any script has
