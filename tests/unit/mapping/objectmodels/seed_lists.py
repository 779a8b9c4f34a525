"""The seed's "Key Object Models" of each module, verbatim from ../shared/spec/analytics-registry.md (with its
"(Primary)"/"(Enhanced)" marks and descriptions left off), in the seed's order: what the registry must reproduce."""

from __future__ import annotations

SEED_MODULE_MODELS: dict[str, list[str]] = {
    "BUS_DEV": ["Lead", "Opportunity", "Deal", "Sale", "Customer", "Account", "Sales Representative", "Sales Team",
                "Product", "Demo", "Proposal", "Contract", "Referral", "Sales Quota", "Revenue Forecast",
                "Sales Pipeline", "Market", "Competitor"],
    "CHANNEL_SALES": ["Channel Partner", "Deal", "Lead", "Revenue", "Training Program", "Support Ticket",
                      "Co-Marketing Campaign", "Product", "Customer", "Market/Territory", "Sales Pipeline",
                      "Partner Portal", "Incentive Program", "Performance Scorecard", "Channel Conflict",
                      "Partner Agreement"],
    "CUST_RETENTION": ["Customer", "Subscription/Contract", "Support Ticket", "Customer Feedback", "Loyalty Program",
                       "Customer Onboarding", "Customer Health Record", "Customer Journey", "Product Usage",
                       "Purchase", "Churn Event", "Customer Education", "Quarterly Business Review (QBR)",
                       "Customer Segment", "Service Level Agreement (SLA)", "Referral"],
    "CUST_SUCCESS": ["Customer Success Manager", "Customer Account", "Customer Onboarding Process",
                     "Product Adoption", "Customer Goal", "QBR", "Customer Cohort", "Customer Community",
                     "Customer Advocacy Program", "Knowledge Base", "Customer Education Program",
                     "Customer Health Monitoring", "Renewal Management", "Expansion Opportunity",
                     "Support Interaction", "Customer Data Quality", "SLA", "Customer Profitability Analysis"],
    "INSIDE_SALES": ["Lead", "Opportunity", "Deal", "Sale", "Customer", "Sales Rep", "Sales Team", "Product", "Quota",
                     "Demo", "Contract", "Sales Activity", "Sales Call", "Sales Email", "Sales Forecast",
                     "Lost Sale"],
    "KEY_ACCT_MGMT": ["Account", "Customer", "Opportunity", "Deal", "Product", "Contract", "Sales Rep", "Sales Team",
                      "Key Account", "Key Account Manager", "Account Plan", "Stakeholder", "Strategic Review",
                      "Account Penetration", "Account Risk"],
    "OUTSIDE_SALES": ["Account", "Lead", "Opportunity", "Deal", "Sale", "Customer", "Sales Rep", "Sales Team",
                      "Product", "Contract", "Demo", "Referral", "Quota", "Revenue Forecast", "Sales Territory",
                      "Field Visit", "Sales Appointment"],
    "SALES_DEV": ["Lead", "Prospect", "Opportunity", "Account", "Sales Rep", "Sales Team", "Demo", "Email Campaign",
                  "Sales Activity", "Quota", "Outbound Call", "Appointment", "Prospect Engagement",
                  "Lead Qualification"],
    "SALES_ENABLEMENT": ["Sales Rep", "Sales Team", "Content", "Product", "Customer", "Sales Training Program",
                         "Sales Content", "Sales Playbook", "Sales Coaching Session", "Sales Assessment",
                         "Enablement Platform", "Enablement Feedback"],
    "SALES_OPERATIONS": ["Sales Rep", "Sales Team", "Lead", "Opportunity", "Deal", "Customer", "Product", "Territory",
                         "Quota", "Revenue Forecast", "Sales Dashboard", "Sales Forecast", "Territory Assignment",
                         "Quota Plan", "Sales Process Workflow"],
    "SALES_PERFORMANCE": ["Sales Rep", "Sales Team", "Lead", "Opportunity", "Deal", "Customer", "Product",
                          "Territory", "Quota", "Revenue", "Performance Scorecard", "Performance Benchmark"],
    "SALES_STRATEGY": ["Market", "Competitor", "Customer", "Product", "Territory", "Channel", "Sales Team", "Revenue",
                       "Market Segment", "Competitive Analysis", "Strategic Initiative"],
    "SALES_TRAINING_COACHING": ["Sales Training Program", "Sales Coaching Session", "Sales Assessment",
                                "Enablement Platform", "Enablement Feedback", "Sales Representative", "Sales Team",
                                "Product", "Customer"],
}

SEED_COUNTS = {"BUS_DEV": 18, "CHANNEL_SALES": 16, "CUST_RETENTION": 16, "CUST_SUCCESS": 18, "INSIDE_SALES": 16,
               "KEY_ACCT_MGMT": 15, "OUTSIDE_SALES": 17, "SALES_DEV": 14, "SALES_ENABLEMENT": 12,
               "SALES_OPERATIONS": 15, "SALES_PERFORMANCE": 12, "SALES_STRATEGY": 11, "SALES_TRAINING_COACHING": 9}

# The 17 merges of the brief: alias -> the model it names.
ALIASES = {
    "Sales Rep": "SALES_REPRESENTATIVE", "Sales Quota": "QUOTA", "Customer Account": "CUSTOMER",
    "Customer Onboarding Process": "CUSTOMER_ONBOARDING", "Customer Education Program": "CUSTOMER_EDUCATION",
    "Customer Health Monitoring": "CUSTOMER_HEALTH_RECORD", "Training Program": "SALES_TRAINING_PROGRAM",
    "Subscription/Contract": "CONTRACT", "Renewal Management": "CONTRACT", "Market/Territory": "TERRITORY",
    "Sales Territory": "TERRITORY", "Sales Appointment": "APPOINTMENT", "Support Interaction": "SUPPORT_TICKET",
    "Outbound Call": "SALES_CALL", "Purchase": "SALE", "Customer Cohort": "CUSTOMER_SEGMENT",
    "Expansion Opportunity": "OPPORTUNITY",
}
