//! FHIR R4 resource types.
//!
//! A record's metadata names the FHIR resource type of the document it points at (a `Bundle`,
//! an `Observation`, …). The chain keeps the type name, checked against the FHIR R4 (4.0.1)
//! resource list, so that grants can later be scoped by type and a typo is an error, not a new
//! type.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use polkadot_sdk::sp_runtime::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;

/// Longest resource type name kept; the longest of FHIR R4 (`MedicinalProductUndesirableEffect`)
/// has 33 letters.
pub const MAX_RESOURCE_TYPE_LEN: u32 = 40;

/// Every resource type of FHIR R4 (4.0.1), sorted.
pub const R4_RESOURCE_TYPES: &[&str] = &[
	"Account",
	"ActivityDefinition",
	"AdverseEvent",
	"AllergyIntolerance",
	"Appointment",
	"AppointmentResponse",
	"AuditEvent",
	"Basic",
	"Binary",
	"BiologicallyDerivedProduct",
	"BodyStructure",
	"Bundle",
	"CapabilityStatement",
	"CarePlan",
	"CareTeam",
	"CatalogEntry",
	"ChargeItem",
	"ChargeItemDefinition",
	"Claim",
	"ClaimResponse",
	"ClinicalImpression",
	"CodeSystem",
	"Communication",
	"CommunicationRequest",
	"CompartmentDefinition",
	"Composition",
	"ConceptMap",
	"Condition",
	"Consent",
	"Contract",
	"Coverage",
	"CoverageEligibilityRequest",
	"CoverageEligibilityResponse",
	"DetectedIssue",
	"Device",
	"DeviceDefinition",
	"DeviceMetric",
	"DeviceRequest",
	"DeviceUseStatement",
	"DiagnosticReport",
	"DocumentManifest",
	"DocumentReference",
	"EffectEvidenceSynthesis",
	"Encounter",
	"Endpoint",
	"EnrollmentRequest",
	"EnrollmentResponse",
	"EpisodeOfCare",
	"EventDefinition",
	"Evidence",
	"EvidenceVariable",
	"ExampleScenario",
	"ExplanationOfBenefit",
	"FamilyMemberHistory",
	"Flag",
	"Goal",
	"GraphDefinition",
	"Group",
	"GuidanceResponse",
	"HealthcareService",
	"ImagingStudy",
	"Immunization",
	"ImmunizationEvaluation",
	"ImmunizationRecommendation",
	"ImplementationGuide",
	"InsurancePlan",
	"Invoice",
	"Library",
	"Linkage",
	"List",
	"Location",
	"Measure",
	"MeasureReport",
	"Media",
	"Medication",
	"MedicationAdministration",
	"MedicationDispense",
	"MedicationKnowledge",
	"MedicationRequest",
	"MedicationStatement",
	"MedicinalProduct",
	"MedicinalProductAuthorization",
	"MedicinalProductContraindication",
	"MedicinalProductIndication",
	"MedicinalProductIngredient",
	"MedicinalProductInteraction",
	"MedicinalProductManufactured",
	"MedicinalProductPackaged",
	"MedicinalProductPharmaceutical",
	"MedicinalProductUndesirableEffect",
	"MessageDefinition",
	"MessageHeader",
	"MolecularSequence",
	"NamingSystem",
	"NutritionOrder",
	"Observation",
	"ObservationDefinition",
	"OperationDefinition",
	"OperationOutcome",
	"Organization",
	"OrganizationAffiliation",
	"Parameters",
	"Patient",
	"PaymentNotice",
	"PaymentReconciliation",
	"Person",
	"PlanDefinition",
	"Practitioner",
	"PractitionerRole",
	"Procedure",
	"Provenance",
	"Questionnaire",
	"QuestionnaireResponse",
	"RelatedPerson",
	"RequestGroup",
	"ResearchDefinition",
	"ResearchElementDefinition",
	"ResearchStudy",
	"ResearchSubject",
	"RiskAssessment",
	"RiskEvidenceSynthesis",
	"Schedule",
	"SearchParameter",
	"ServiceRequest",
	"Slot",
	"Specimen",
	"SpecimenDefinition",
	"StructureDefinition",
	"StructureMap",
	"Subscription",
	"Substance",
	"SubstanceNucleicAcid",
	"SubstancePolymer",
	"SubstanceProtein",
	"SubstanceReferenceInformation",
	"SubstanceSourceMaterial",
	"SubstanceSpecification",
	"SupplyDelivery",
	"SupplyRequest",
	"Task",
	"TerminologyCapabilities",
	"TestReport",
	"TestScript",
	"ValueSet",
	"VerificationResult",
	"VisionPrescription",
];

/// A FHIR R4 resource type name, known to be one of [`R4_RESOURCE_TYPES`].
#[derive(
	Clone,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub struct ResourceType(BoundedVec<u8, ConstU32<MAX_RESOURCE_TYPE_LEN>>);

impl ResourceType {
	/// Checks `name` against the FHIR R4 resource list (case-sensitive, as FHIR is).
	pub fn parse(name: &[u8]) -> Option<Self> {
		R4_RESOURCE_TYPES
			.binary_search_by(|known| known.as_bytes().cmp(name))
			.ok()
			.and_then(|_| BoundedVec::try_from(name.to_vec()).ok())
			.map(ResourceType)
	}

	/// The type name.
	pub fn as_str(&self) -> &str {
		// Only names from `R4_RESOURCE_TYPES` are ever built, and they are ASCII. Decoding
		// from storage goes through `Decode`, which cannot produce invalid UTF-8 here only if the
		// state was written by `parse`; fall back to a marker otherwise rather than panic.
		core::str::from_utf8(&self.0).unwrap_or("<invalid>")
	}
}

/// In JSON a resource type is its name.
impl serde::Serialize for ResourceType {
	fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
		serializer.serialize_str(self.as_str())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn list_is_sorted_unique_and_fits_the_bound() {
		assert!(R4_RESOURCE_TYPES.windows(2).all(|w| w[0] < w[1]));
		assert!(R4_RESOURCE_TYPES.iter().all(|n| n.len() <= MAX_RESOURCE_TYPE_LEN as usize));
	}

	#[test]
	fn accepts_r4_types_and_refuses_others() {
		assert_eq!(
			ResourceType::parse(b"Bundle").map(|t| t.as_str().to_owned()),
			Some("Bundle".into())
		);
		assert!(ResourceType::parse(b"Observation").is_some());
		assert!(ResourceType::parse(b"observation").is_none());
		assert!(ResourceType::parse(b"Bundle ").is_none());
		assert!(ResourceType::parse(b"").is_none());
		assert!(ResourceType::parse(b"NotAResource").is_none());
	}
}
