const firebaseConfig = {
  apiKey: "AIzaJB-rb5WjIWCe65lVt0_smfWF99GqZKhC8yq",
  authDomain: "app-9.firebaseapp.com",
  projectId: "app-9",
};
