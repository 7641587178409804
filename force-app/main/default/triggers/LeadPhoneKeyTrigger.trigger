trigger LeadPhoneKeyTrigger on Lead(before insert, before update) {
    if (CallSyncSwitches.isOn(CallSyncSwitches.LEAD_PHONE_KEY)) {
        PhoneKeyMaintainer.apply(Trigger.new, Trigger.oldMap);
    }
}
